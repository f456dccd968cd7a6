/**
 * Terms whose sd is sampled as a signed coordinate (src/model/signed-scale.ts) around a backend that sees log sd:
 * positions go in with u = log|v| and z' = sign(v)·z, the log density and gradient come back pulled through that map
 * (−log|v| and the chain rule). Outermost of the coordinate maps (src/backend/wrapped.ts), so every map inside it sees
 * ordinary log-sd terms. Cost: O(chains × levels of the signed terms) per call.
 */
import type { Backend, BackendOptions } from './backend.js';
import { mapBackend } from './coordinate-map.js';
import { pullBackSigned, signedTerms, signedToLog } from '../model/signed-scale.js';
import type { ModelSpec } from '../model/spec.js';

export function wrapSignedScale(spec: ModelSpec, inner: Backend, options: BackendOptions = {}): Backend {
  const terms = signedTerms(spec);
  const dim = spec.dim;
  return mapBackend(
    spec,
    inner,
    {
      innerDim: dim,
      separateGradient: false,
      toInner: (src, dst, n) => signedToLog(terms, dim, src, dst, n),
      pullBack(positions, _inner, _innerGrad, nChains, logp, grad, active) {
        for (let c = 0; c < nChains; c++) {
          if (active !== undefined && active[c] === 0) continue;
          pullBackSigned(terms, dim, positions, c, logp, grad);
        }
      },
    },
    options,
  );
}
