/**
 * The solver-neutral linear model and the `MipSolver` port live in the domain
 * (`src/domain/shared/mip.ts`); adapters in `src/solver/` implement the port. This
 * re-export keeps outer-layer imports working.
 */
export * from '../domain/shared/mip.ts';
