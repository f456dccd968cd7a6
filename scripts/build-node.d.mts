/** Types of build-node.mjs's exports, for the test that builds the CLI bundle (tests/cli/node-bundle.test.ts). */
export declare const NODE_OUT_DIR: string;
export declare const BUNDLED_PACKAGES: readonly string[];
export declare function buildNode(options?: { outDir?: string }): Promise<{ inputs: Record<string, { bytes: number }>; outputs: Record<string, { bytes: number }> }>;
