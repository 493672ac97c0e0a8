let _blueskyOAuthInitializationPromise: Promise<IBlueskyOAuthService | null> | null = null;

export function getBlueskyOAuthService(kvClient: IKVProvider): Promise<IBlueskyOAuthService | null> {
	const blueskyConfig = Config.auth.bluesky;
	if (!blueskyConfig.enabled) {
		return Promise.resolve(null);
	}
	if (blueskyConfig.keys.length === 0) {
		return Promise.resolve(null);
	}
	_blueskyOAuthInitializationPromise ??= BlueskyOAuthService.create(blueskyConfig, kvClient, Config.endpoints.apiPublic);
	return _blueskyOAuthInitializationPromise;
}
