/** Types of build-browser.mjs's exports, for the tests that build the bundle (tests/browser/). */
export declare const OUT_DIR: string;
export declare const PLATFORM_SWAPS: Readonly<Record<string, string>>;
export declare const PACKAGE_SWAPS: Readonly<Record<string, string>>;
export declare function buildBrowser(options?: { minify?: boolean; outDir?: string }): Promise<Record<string, { outputs: Record<string, { bytes: number }> }>>;
