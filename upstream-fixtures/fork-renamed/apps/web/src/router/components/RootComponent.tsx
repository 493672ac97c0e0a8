import {useMemo} from 'react';
import * as Routes from '@app/Routes';

export const RootComponent = observer(() => {
	const pathname = useLocation().pathname;

	const isStandaloneRoute = useMemo(() => {
		return (
			pathname.startsWith(Routes.LOGIN) ||
			pathname.startsWith(Routes.REGISTER) ||
			pathname.startsWith(Routes.OAUTH_AUTHORIZE) ||
			pathname.startsWith(Routes.CONNECTION_CALLBACK) ||
			pathname === '/__notfound' ||
			pathname.startsWith('/invite/') ||
			pathname.startsWith('/theme/')
		);
	}, [pathname]);

	return isStandaloneRoute ? <Standalone /> : <App />;
});
