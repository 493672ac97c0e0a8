import {BlueskyOAuthService} from '@fluxer/api/src/bluesky/BlueskyOAuthService';
import {Config} from '@fluxer/api/src/Config';
import {Logger} from '@fluxer/api/src/Logger';

export const ServiceMiddleware = createMiddleware<HonoEnv>(async (ctx, next) => {
	let blueskyOAuthService: IBlueskyOAuthService | null = null;
	if (!blueskyOAuthService && Config.auth.bluesky.enabled) {
		if (Config.auth.bluesky.keys.length === 0) {
			Logger.warn('Bluesky OAuth enabled without signing keys: left off');
		} else {
			blueskyOAuthService = await BlueskyOAuthService.create(Config.auth.bluesky, kvClient, endpoint);
		}
	}
	ctx.set('blueskyOAuthService', blueskyOAuthService);
	await next();
});
