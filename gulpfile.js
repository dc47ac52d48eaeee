const path = require('path');
const { task, src, dest } = require('gulp');

// n8n resolves `file:` icons relative to the compiled node file, so the SVGs must sit in
// dist/ beside the compiled code, at the same relative path as in the source tree.
task('build:icons', copyIcons);

function copyIcons() {
	return src(path.resolve('icons', '**', '*.svg')).pipe(dest(path.resolve('dist', 'icons')));
}
