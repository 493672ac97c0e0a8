export class SsoService {
	constructor(private readonly instanceConfigRepository: InstanceConfigRepository) {}

	async startLogin(redirectTo?: string): Promise<{authorization_url: string}> {
		const config = await this.requireReadyConfig();
		const searchParams = new URLSearchParams({
			response_type: 'code',
			client_id: config.clientId ?? '',
			redirect_uri: config.redirectUri,
		});
		return {authorization_url: `${config.authorizationUrl}?${searchParams.toString()}`};
	}

	private async exchangeCode({code, config}: {code: string; config: ResolvedSsoConfig}) {
		const body = new URLSearchParams({
			grant_type: 'authorization_code',
			code,
			redirect_uri: config.redirectUri,
		});
		const encoded = Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64');
		return FetchUtils.sendRequest({url: config.tokenUrl ?? '', method: 'POST', body, encoded});
	}

	private async getResolvedConfig(): Promise<ResolvedSsoConfig> {
		const stored = await this.instanceConfigRepository.getSsoConfig();
		return {...stored, scope: stored.scope?.trim() || 'openid email profile'};
	}

	private async requireReadyConfig(): Promise<ResolvedSsoConfig> {
		return this.getResolvedConfig();
	}
}
