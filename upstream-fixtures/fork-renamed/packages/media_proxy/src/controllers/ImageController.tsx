import {toBodyData} from '@fluxer/media_proxy/src/lib/BinaryUtils';
import {parseRange, setHeaders} from '@fluxer/media_proxy/src/lib/HttpUtils';

async function processImageRequest(ctx: Context, deps: Deps): Promise<Response> {
	const result = await deps.coalescer.coalesce(ctx.req.path, async () => {
		const data = await deps.fetch(ctx);
		return {data, contentType: 'image/webp'};
	});

	const range = parseRange(ctx.req.header('Range') ?? '', result.data.length);
	setHeaders(ctx, result.data.length, result.contentType, range);

	const fileData = range ? result.data.subarray(range.start, range.end + 1) : result.data;
	return ctx.body(toBodyData(fileData));
}

async function processSimpleImageRequest(ctx: Context, deps: Deps): Promise<Response> {
	const result = await deps.resize(ctx);
	const range = parseRange(ctx.req.header('Range') ?? '', result.data.length);
	setHeaders(ctx, result.data.length, result.contentType, range);
	const fileData = range ? result.data.subarray(range.start, range.end + 1) : result.data;
	return ctx.body(toBodyData(fileData));
}
