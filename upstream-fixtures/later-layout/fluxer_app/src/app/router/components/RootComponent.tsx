export const RootComponent = observer(() => {
	const pathname = useLocation().pathname;

	const isStandaloneRoute = useMemo(() => {
		return (
			pathname.startsWith(Routes.CONNECTION_CALLBACK) ||
			pathname.startsWith(Routes.SSO_CALLBACK) ||
			pathname === Routes.REPORT
		);
	}, [pathname]);

	return isStandaloneRoute ? <Outlet /> : <AppLayout />;
});
