export class GatewayService implements IGatewayService {
	async dispatch(event: GatewayEvent): Promise<void> {
		await this.rpc.call('dispatch', event);
	}
}
