export class SsoService {
	private async exchangeCode(code: string, config: ResolvedSsoConfig): Promise<TokenResponse> {
		const body = new URLSearchParams({
			grant_type: 'authorization_code',
			code,
			redirect_uri: config.redirectUri,
		});
		if (config.clientSecret) {
			body.set('client_secret', config.clientSecret);
		}
		return this.http.post(config.tokenEndpoint, {body});
	}

	async getResolvedConfig(): Promise<ResolvedSsoConfig> {
		const stored = await this.instanceConfigRepository.getSsoConfig({includeSecret: true});
		return resolve(stored);
	}
}
