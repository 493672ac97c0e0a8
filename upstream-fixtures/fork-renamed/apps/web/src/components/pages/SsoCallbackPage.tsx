const SSO_TIMEOUT_MS = 30_000;

const SsoCallbackPage = observer(function SsoCallbackPage() {
	const [error, setError] = useState<string | null>(null);

	useEffect(() => {
		const controller = new AbortController();

		const timeoutId = setTimeout(() => {
			if (!controller.signal.aborted) {
				setError(t`SSO sign-in timed out. Please try again.`);
			}
		}, SSO_TIMEOUT_MS);

		(async () => {
			if (providerError) {
				setError(providerError);
				setIsProcessing(false);
				return;
			}
			if (!code || !state) {
				setError(t`Missing SSO code or state.`);
				setIsProcessing(false);
				return;
			}

			try {
				const result = await completeSsoLogin({code, state});
				if (controller.signal.aborted) return;

				RouterUtils.replaceWith(sanitizeRedirectTo(result.redirect_to));
			} catch (err) {
				if (controller.signal.aborted) return;
				const message = err instanceof Error ? err.message : t`Failed to complete SSO login`;
				setError(message);
				setIsProcessing(false);
			}
		})();

		return () => {
			clearTimeout(timeoutId);
			controller.abort();
		};
	}, [code, state, providerError]);

	return error ? <Failed error={error} /> : <Completing />;
});

export default SsoCallbackPage;
