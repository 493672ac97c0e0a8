import type {Context} from 'hono';

export function parseRange(header: string | null, size: number) {
	const m = header?.match(/bytes=(\d*)-(\d*)/);
	if (!m) return null;
	const start = m[1] ? Number(m[1]) : 0;
	const end = m[2] ? Number(m[2]) : size - 1;
	return start > end || end >= size ? null : {start, end};
}

export function setHeaders(
	ctx: Context,
	size: number,
	contentType: string,
	range: {start: number; end: number} | null,
	lastModified?: Date,
) {
	ctx.header('Content-Type', contentType);
	ctx.header('Last-Modified', (lastModified ?? new Date()).toUTCString());

	if (range) {
		const length = range.end - range.start + 1;
		ctx.status(206);
		ctx.header('Content-Length', length.toString());
		ctx.header('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
	} else {
		ctx.header('Content-Length', size.toString());
	}
}
