/**
 * The package's root directory as a file URL (with its trailing slash), for files the package reads at run time
 * (package.json, shaders/, build/). This module sits two levels below the root wherever it runs: src/platform/ (tsx,
 * vitest), dist/platform/ (the built modules) and dist/node/ (the CLI bundle of scripts/build-node.mjs, whose chunks
 * carry this code), so one relative URL serves all three; modules deeper in the tree ask here rather than count
 * their own levels, which the bundle would change.
 */
export const PACKAGE_ROOT_URL = new URL('../../', import.meta.url);
