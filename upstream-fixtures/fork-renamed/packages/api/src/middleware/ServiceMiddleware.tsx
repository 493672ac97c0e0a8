import {BlueskyOAuthService} from '@fluxer/api/src/bluesky/BlueskyOAuthService';
import type {IBlueskyOAuthService} from '@fluxer/api/src/bluesky/IBlueskyOAuthService';
import {Config} from '@fluxer/api/src/Config';
import {getInjectedBlueskyOAuthService, getKVClient} from '@fluxer/api/src/middleware/ServiceRegistry';
import type {HonoEnv} from '@fluxer/api/src/types/HonoEnv';
import {createMiddleware} from 'hono/factory';

export const ServiceMiddleware = createMiddleware<HonoEnv>(async (ctx, next) => {
	const kvClient = getKVClient();

	const injectedBlueskyOAuth = getInjectedBlueskyOAuthService();
	let blueskyOAuthService: IBlueskyOAuthService | null = injectedBlueskyOAuth ?? null;
	if (!blueskyOAuthService && Config.auth.bluesky.enabled) {
		blueskyOAuthService = await BlueskyOAuthService.create(Config.auth.bluesky, kvClient, Config.endpoints.apiPublic);
	}

	ctx.set('blueskyOAuthService', blueskyOAuthService);
	await next();
});
