import path from 'node:path';

const ROOT_DIR = path.resolve(import.meta.dirname, '.');
const PUBLIC_DIR = path.join(ROOT_DIR, 'assets');

const CDN_ENDPOINT = 'https://fluxerstatic.com';

function readConfig() {
	const configPath = process.env.FLUXER_CONFIG;
	if (!configPath) {
		throw new Error('FLUXER_CONFIG must be set to a JSON config path.');
	}
	return configPath;
}

export default () => ({
	output: {publicPath: `${CDN_ENDPOINT}/`, path: PUBLIC_DIR},
	plugins: [staticFiles({cdn: CDN_ENDPOINT, config: readConfig()})],
});
