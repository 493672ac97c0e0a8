import {PassThrough} from 'node:stream';
import {toBodyData, toWebReadableStream} from '@fluxer/media_proxy/src/lib/BinaryUtils';

export function createThemeHeadHandler(deps: Deps) {
	return async (ctx: Context): Promise<Response> => {
		const {contentLength} = await deps.head(ctx.req.param('id.css'));
		ctx.header('Content-Type', 'text/css; charset=utf-8');
		ctx.header('Content-Length', contentLength.toString());
		return ctx.body(null);
	};
}

export function createThemeHandler(deps: Deps) {
	return async (ctx: Context): Promise<Response> => {
		const {data} = await deps.read(ctx.req.param('id.css'));
		ctx.header('Content-Type', 'text/css; charset=utf-8');

		if (data instanceof PassThrough) {
			return ctx.body(toWebReadableStream(data));
		} else {
			ctx.header('Content-Length', data.length.toString());
			return ctx.body(toBodyData(data));
		}
	};
}
