import path from 'node:path';

const ROOT_DIR = path.resolve(import.meta.dirname, '.');

function envString(name) {
	return process.env[name] ?? '';
}

export default () => {
	const assetBaseUrl = envString('PUBLIC_ASSET_BASE_URL');
	return {
		output: {publicPath: assetBaseUrl || '/', path: path.join(ROOT_DIR, 'dist')},
	};
};
