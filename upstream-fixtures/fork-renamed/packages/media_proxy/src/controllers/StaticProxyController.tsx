import {toBodyData} from '@fluxer/media_proxy/src/lib/BinaryUtils';
import {setHeaders} from '@fluxer/media_proxy/src/lib/HttpUtils';

export function createStaticProxyHandler(deps: Deps) {
	return async (ctx: Context): Promise<Response> => {
		try {
			const {data, size, contentType, lastModified} = await deps.read(ctx.req.path);
			setHeaders(ctx, size, contentType, null, lastModified);
			return ctx.body(toBodyData(data));
		} catch {
			return ctx.text('Not Found', 404);
		}
	};
}
