import {createAdminApp} from '@fluxer/admin/src/App';
import {createAppServer} from '@fluxer/app_proxy/src/AppServer';

function createAdminInitializer(context: ServiceInitializationContext): ServiceInitializer {
	const admin = createAdminApp({
		cspDirectives: {
			styleSrc: ["'self'"],
			imgSrc: ["'self'", 'data:'],
			fontSrc: ["'self'"],
		},
	});
	return {name: 'Admin', service: admin};
}

function createAppServerInitializer(context: ServiceInitializationContext): ServiceInitializer {
	const {config, staticDir} = context;
	const publicUrlHost = new URL(config.endpoints.app).origin;
	const mediaUrlHost = new URL(config.endpoints.media).origin;

	const appServer = createAppServer({
		staticDir,
		cspDirectives: {
			defaultSrc: ["'self'"],
			scriptSrc: ["'self'", "'unsafe-inline'"],
			styleSrc: ["'self'", "'unsafe-inline'"],
			imgSrc: ["'self'", 'data:', 'blob:', publicUrlHost, mediaUrlHost],
			connectSrc: ["'self'", 'wss:', 'ws:', publicUrlHost],
			fontSrc: ["'self'"],
			mediaSrc: ["'self'", 'blob:', mediaUrlHost],
			frameSrc: ["'none'"],
		},
	});

	return {name: 'App Server', service: appServer};
}
