/**
 * A NetCDF-4 file written through h5wasm (HDF5 compiled to WebAssembly): groups, named dimensions with coordinate
 * values, variables over those dimensions, attributes. What makes an HDF5 file a NetCDF-4 file (the netCDF-C file
 * format specification, "The NetCDF-4 Format": creation order, dimension scales, _Netcdf4Dimid):
 *  - every group, dataset and the file track link and attribute creation order, so readers list them in the order
 *    written;
 *  - each dimension is a dimension scale: a dataset named after the dimension holding its coordinate values, made a
 *    scale with H5DSset_scale (attributes CLASS = "DIMENSION_SCALE" and NAME = the dimension's name), with a scalar
 *    int `_Netcdf4Dimid`, its dimension id (numbered through the whole file, as netCDF-C does);
 *  - each variable is a dataset whose every axis has its dimension's scale attached (H5DSattach_scale writes the
 *    DIMENSION_LIST attribute of object references on the variable and REFERENCE_LIST on the scale);
 *  - strings are variable-length UTF-8 (NC_STRING), booleans int8 with attribute dtype = "bool" (xarray's encoding);
 *  - the root has `_NCProperties` ("version=2,…"), the provenance attribute netCDF-C writes.
 * Every dimension here has coordinate values, so no "This is a netCDF dimension but not a netCDF variable" scales.
 *
 * Variables arrive in blocks along their last dimension (a group's levels, a span of observations), so a variable
 * larger than WebAssembly's memory is written one block at a time into a chunked dataset; one that arrives whole is
 * written contiguously. h5wasm is loaded on first use (it is needed only for --netcdf).
 */
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type NcDtype = 'float64' | 'int64' | 'int32' | 'int8';
export type NcAttr = string | number;

/** A dimension and its coordinate values (their count is its size). */
export interface NcDim {
  readonly name: string;
  readonly values: readonly string[] | BigInt64Array | Float64Array;
}

/** One block of a variable: `count` positions from `start` along its last dimension, C order (leading dims × count). */
export interface NcBlock {
  readonly start: number;
  readonly count: number;
  readonly values: Float64Array | BigInt64Array | Int32Array | Int8Array;
}

export interface NcVariable {
  readonly name: string;
  /** Dimension names, outermost first (at least one); each is a dimension of the variable's group. */
  readonly dims: readonly string[];
  readonly dtype: NcDtype;
  readonly attrs?: Readonly<Record<string, NcAttr>>;
  /** The blocks in order, together covering the last dimension once. */
  readonly blocks: Iterable<NcBlock> | AsyncIterable<NcBlock>;
}

export interface NcGroup {
  readonly name: string;
  readonly attrs?: Readonly<Record<string, NcAttr>>;
  readonly dims: readonly NcDim[];
  readonly variables: readonly NcVariable[];
}

export interface NcFile {
  readonly attrs?: Readonly<Record<string, NcAttr>>;
  readonly groups: readonly NcGroup[];
}

/** HDF5 dtype strings of h5wasm for each NetCDF type. */
const H5_DTYPE: Record<NcDtype, string> = { float64: '<d', int64: '<q', int32: '<i', int8: '<b' };

/** Values per dataset chunk at most (~4 MB of float64): a chunk of a blocked variable spans whole leading dims. */
const CHUNK_VALUES = 1 << 19;

type H5 = typeof import('h5wasm/node');
type H5Group = InstanceType<H5['Group']>;

async function loadH5wasm(): Promise<H5> {
  const h5wasm = await import('h5wasm/node');
  await h5wasm.ready;
  return h5wasm;
}

function setAttrs(target: H5Group | InstanceType<H5['Dataset']>, attrs: Readonly<Record<string, NcAttr>> | undefined): void {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (typeof value === 'string') target.create_attribute(name, value);
    else target.create_attribute(name, value, null, Number.isInteger(value) ? '<q' : '<d');
  }
}

/** HDF5 names cannot hold "/" (a path separator) and netCDF's cannot either: it becomes "_". */
export function ncName(name: string): string {
  return name.replace(/\//g, '_');
}

/** The names of one group's dimensions and variables as written (groupNcNames), keyed by the names given. */
export interface GroupNcNames {
  readonly dims: ReadonlyMap<string, string>;
  readonly variables: ReadonlyMap<string, string>;
}

/**
 * The names in one group as written: ncName's, made unique across its dimensions and variables. A name that needs no
 * change keeps it; one that does ("/" → "_") and meets a name taken (columns "a/b" and "a_b" both give b_a_b; an
 * outcome named "chain" gives a log-likelihood variable "chain" beside the dimension) gets "_2", "_3", … — HDF5 refuses
 * a second dataset of one name, which used to leave the variable out of the file with HDF5's diagnostics on stderr.
 */
export function groupNcNames(dims: readonly string[], variables: readonly string[]): GroupNcNames {
  const taken = new Set<string>();
  const dimNames = new Map<string, string>();
  const variableNames = new Map<string, string>();
  const all: [string, Map<string, string>][] = [...dims.map((d) => [d, dimNames] as [string, Map<string, string>]), ...variables.map((v) => [v, variableNames] as [string, Map<string, string>])];
  // names kept as given first (dimensions before variables), then the others in order
  for (const keep of [true, false]) {
    for (const [name, map] of all) {
      const base = ncName(name);
      if (map.has(name) || (keep && (base !== name || taken.has(base)))) continue;
      let chosen = base;
      for (let k = 2; taken.has(chosen); k++) chosen = `${base}_${k}`;
      taken.add(chosen);
      map.set(name, chosen);
    }
  }
  return { dims: dimNames, variables: variableNames };
}

async function writeVariable(group: H5Group, path: string, v: NcVariable, sizes: ReadonlyMap<string, number>, names: GroupNcNames): Promise<void> {
  const shape = v.dims.map((d) => {
    const size = sizes.get(d);
    if (size === undefined) throw new Error(`netcdf: variable ${v.name} uses dimension ${d}, not one of its group's`);
    return size;
  });
  if (shape.length === 0) throw new Error(`netcdf: variable ${v.name} has no dimensions`);
  const last = shape[shape.length - 1];
  const lead = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const name = names.variables.get(v.name) as string;
  let dataset: InstanceType<H5['Dataset']> | null = null;
  let next = 0;
  for await (const block of v.blocks) {
    if (block.start !== next || block.values.length !== lead * block.count) {
      throw new Error(`netcdf: ${v.name}: block at ${block.start} (${block.count} wide, ${block.values.length} values) where ${next} was due`);
    }
    const blockShape = [...shape.slice(0, -1), block.count];
    if (dataset === null) {
      const whole = block.count === last;
      const chunkLast = Math.max(1, Math.min(last, Math.floor(CHUNK_VALUES / Math.max(1, lead))));
      dataset = group.create_dataset({
        name,
        data: block.values,
        shape: blockShape,
        dtype: H5_DTYPE[v.dtype],
        track_order: true,
        ...(whole ? {} : { maxshape: shape, chunks: [...shape.slice(0, -1), chunkLast] }),
      });
      if (!whole) dataset.resize(shape);
    } else {
      dataset.write_slice([...shape.slice(0, -1).map(() => [] as []), [block.start, block.start + block.count]], block.values);
    }
    next += block.count;
  }
  if (dataset === null || next !== last) throw new Error(`netcdf: ${v.name}: blocks cover ${next} of ${last} along ${v.dims.at(-1)}`);
  v.dims.forEach((d, axis) => dataset!.attach_scale(axis, `${path}/${names.dims.get(d) as string}`));
  setAttrs(dataset, v.attrs);
  // (a name written otherwise keeps the one nutmeg uses, in the chain CSVs and fit.json)
  if (name !== v.name) dataset.create_attribute('nutmeg_name', v.name);
}

/**
 * Writes `file` to `path`, replacing it only once the file is complete (written as a hidden file beside it, then
 * renamed); a failure removes the partial file and rethrows. `provenance` goes into _NCProperties (e.g.
 * "nutmeg=0.3.0").
 */
export async function writeNetcdf4(path: string, file: NcFile, provenance: string): Promise<void> {
  const h5wasm = await loadH5wasm();
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  const f = new h5wasm.File(temp, 'w', { track_order: true });
  try {
    const props = `version=2,${provenance},hdf5=h5wasm`;
    // netCDF-C writes it as a fixed-length, null-terminated ASCII string (NC_CHAR), and reads it back the same way
    f.create_attribute('_NCProperties', props, null, `A${Buffer.byteLength(props, 'ascii')}`);
    setAttrs(f, file.attrs);
    let dimId = 0;
    for (const g of file.groups) {
      const group = f.create_group(ncName(g.name), true);
      const path = `/${ncName(g.name)}`;
      const sizes = new Map<string, number>();
      const names = groupNcNames(g.dims.map((d) => d.name), g.variables.map((v) => v.name));
      for (const d of g.dims) {
        const data = Array.isArray(d.values) ? [...d.values] : (d.values as BigInt64Array | Float64Array);
        const name = names.dims.get(d.name) as string;
        const scale = group.create_dataset({ name, data, dtype: Array.isArray(d.values) ? 'S' : undefined, track_order: true });
        scale.make_scale(name);
        scale.create_attribute('_Netcdf4Dimid', dimId++, null, '<i');
        sizes.set(d.name, d.values.length);
      }
      for (const v of g.variables) await writeVariable(group, path, v, sizes, names);
      setAttrs(group, g.attrs);
    }
    f.close();
  } catch (e) {
    try {
      f.close();
    } catch {
      // already closed, or the file is damaged: removed below either way
    }
    rmSync(temp, { force: true });
    throw e;
  }
  renameSync(temp, path);
}
