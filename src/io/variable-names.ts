/**
 * Indexed parameter names in the two spellings nutmeg meets: CmdStan's CSV columns write `r_g__t.3` and
 * `Sigma.1.2`; Stan programs, R and the summary table write `r_g__t[3]` and `Sigma[1,2]`. Names are kept as written;
 * these map between the spellings (a name without a trailing index maps to itself).
 */

const DOTTED_INDEX = /^(.*?)((?:\.\d+)+)$/;
const BRACKETED_INDEX = /^(.*)\[(\d+(?:,\d+)*)\]$/;

/** `name.3` → `name[3]`, `name.1.2` → `name[1,2]`. */
export function toBracketName(name: string): string {
  const m = DOTTED_INDEX.exec(name);
  if (!m || m[1] === '') return name;
  return `${m[1]}[${m[2].slice(1).split('.').join(',')}]`;
}

/** `name[3]` → `name.3`, `name[1,2]` → `name.1.2`. */
export function toDottedName(name: string): string {
  const m = BRACKETED_INDEX.exec(name.replace(/\s+/g, ''));
  if (!m || m[1] === '') return name;
  return `${m[1]}.${m[2].split(',').join('.')}`;
}

const PER_LEVEL = /^(?:r|z|e)_.+(?:\[\d+\]|\.\d+)$/;

/**
 * Whether a nutmeg variable is one of a term's per-level values (r_g__t[k], z_g__t[k], e_g__t[j], in either
 * spelling) rather than a population-level parameter (b_, sd_, and anything not indexed by level).
 */
export function isPerLevelName(name: string): boolean {
  return PER_LEVEL.test(name);
}
