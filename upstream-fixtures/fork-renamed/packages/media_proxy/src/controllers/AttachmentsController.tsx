import {toBodyData, toWebReadableStream} from '@fluxer/media_proxy/src/lib/BinaryUtils';
import {parseRange, setHeaders} from '@fluxer/media_proxy/src/lib/HttpUtils';

export function createAttachmentsHandler(deps: Deps) {
	return async (ctx: Context): Promise<Response> => {
		if (wantsOriginal(ctx)) {
			const size = await deps.sizeOf(ctx);
			const range = parseRange(ctx.req.header('Range') ?? '', size);
			const stream = await deps.open(ctx, range);
			setHeaders(ctx, size, 'video/mp4', range);
			return new Response(toWebReadableStream(stream), {headers: Object.fromEntries(ctx.res.headers)});
		}

		const result = await deps.transform(ctx);
		const range = parseRange(ctx.req.header('Range') ?? '', result.data.length);
		setHeaders(ctx, result.data.length, result.contentType, range);
		const fileData = range ? result.data.subarray(range.start, range.end + 1) : result.data;
		return ctx.body(toBodyData(fileData));
	};
}
