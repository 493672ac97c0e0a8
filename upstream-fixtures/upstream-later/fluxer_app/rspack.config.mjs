import path from 'node:path';

const ROOT_DIR = path.resolve(import.meta.dirname, '.');
const PUBLIC_DIR = path.join(ROOT_DIR, 'assets');

function readConfig() {
	const configPath = process.env.FLUXER_CONFIG;
	if (!configPath) {
		throw new Error('FLUXER_CONFIG must be set to a JSON config path.');
	}
	return configPath;
}

export default () => ({
	output: {publicPath: '/', path: PUBLIC_DIR},
	plugins: [staticFiles({config: readConfig()})],
});
