import {GatewayTimeoutError, ServiceUnavailableError} from '@fluxer/errors/src/HttpErrors';

export class GatewayService {
	private failures = 0;
	private openUntilMs = 0;
	private readonly FAILURE_THRESHOLD = 5;

	private isCircuitBreakerOpen(): boolean {
		if (this.failures < this.FAILURE_THRESHOLD) {
			return false;
		}
		if (Date.now() >= this.openUntilMs) {
			this.failures = 0;
			return false;
		}
		this.rejectAllPendingRequests(new ServiceUnavailableError('Gateway circuit breaker open'));
		return true;
	}

	private rejectAllPendingRequests(error: Error): void {
		this.pending.forEach((request) => request.reject(error));
		this.pending.clear();
	}

	private async call<T>(method: string, params: Record<string, unknown>): Promise<T> {
		if (this.isCircuitBreakerOpen()) {
			throw new ServiceUnavailableError();
		}
		const timer = setTimeout(() => this.reject(new GatewayTimeoutError()), 30_000);
		return this.rpc.call<T>(method, params).finally(() => clearTimeout(timer));
	}
}
