/**
 * The solver-neutral linear model and the `MipSolver` port live in the domain
 * (`src/domain/shared/mip.ts`); adapters in `src/solver/` implement the port. This
 * re-export keeps outer-layer imports working.
 */
export {
  INF, ModelBuilder, PackedModelBuilder, copyPacked, isPacked, openSession, pack, transferList,
  type Basis,
  type BoundChanges, type LinearModel, type MipSolver, type ModelSession, type PackedModel, type SolveOptions, type SolveResult, type SolveStatus,
} from '../domain/shared/index.ts';
