export function resolveRequestBody(body: unknown, headers: Record<string, string>): string | undefined {
	if (body === null || body === undefined) {
		return undefined;
	}
	if (body instanceof URLSearchParams) {
		headers['Content-Type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
		return body.toString();
	}
	return typeof body === 'string' ? body : JSON.stringify(body);
}
