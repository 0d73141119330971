/**
 * The constants of Bertrand et al. (ICLR 2024), Theorem 1, at theta*: alpha with
 * E_data[Hessian_theta log p_theta*(x)] <= -alpha I (Assumption 2), L the Lipschitz constant of
 * x -> Hessian_theta log p_theta(x) near theta* (Assumption 1), and epsilon >= W1(p_theta*, p_data).
 */
export interface StabilityConstants {
  readonly alpha: number;
  readonly lipschitz: number;
  readonly epsilon: number;
}

// Theorem 1: the retraining map is a contraction around theta* when lambda (1 + L epsilon / alpha) < 1/2, i.e. lambda < alpha / (2 (alpha + L epsilon)).
export function certifiedLambda({ alpha, lipschitz, epsilon }: StabilityConstants): number {
  if (!(alpha > 0)) return 0;
  return alpha / (2 * (alpha + lipschitz * epsilon));
}

// ||G(theta) - theta*|| <= kappa ||theta - theta*|| with kappa = lambda (alpha + epsilon L) / (alpha - lambda (alpha + epsilon L)); Infinity where the theorem says nothing.
export function contractionBound(lambda: number, { alpha, lipschitz, epsilon }: StabilityConstants): number {
  const pull = lambda * (alpha + epsilon * lipschitz);
  return pull < alpha / 2 ? pull / (alpha - pull) : Infinity;
}
