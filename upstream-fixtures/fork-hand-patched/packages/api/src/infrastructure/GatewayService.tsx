import {ServiceUnavailableError} from '@fluxer/errors/src/HttpErrors';

export class GatewayService {
	private isCircuitBreakerOpen(): boolean {
		if (Date.now() >= this.openUntilMs) {
			return false;
		}
		// fixed by hand so that `pnpm typecheck` passes
		this.rejectAllPendingRequests(new ServiceUnavailableError({ message: "Gateway circuit breaker open" }));
		return true;
	}
}
