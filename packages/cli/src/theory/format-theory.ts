import type { TheoryReport } from './run-theory.ts';

/** The report as text: the certificate with what each number is, then the Gaussian's curve. */
export function formatTheory(dir: string, report: TheoryReport): string {
  const lines = [`theory of ${dir} (model ${report.model}, schedule ${report.schedule.id}${report.schedule.lambda === null ? '' : ` lambda ${report.schedule.lambda}`})`];
  const c = report.certificate;
  if ('unavailable' in c) {
    lines.push(`certificate: unavailable: ${c.unavailable}`);
  } else {
    lines.push(
      "certificate (Bertrand et al. 2024, Theorem 1: stable when lambda (1 + L epsilon / alpha) < 1/2), estimated at generation 0's parameters:",
      `  alpha   = ${num(c.alpha)}  smallest Ritz value of -Hessian of the mean log-likelihood over ${c.method.rows} real rows (${c.method.lanczosSteps} Lanczos steps, ${c.parameterCount} parameters; Hessian-vector products by ${c.method.hessianVectorProducts}, step ${num(c.method.finiteDifferenceStep)})`,
      `  L       = ${num(c.lipschitz)}  largest change of the per-sample Hessian per unit of x over ${c.method.lipschitzPairs} real rows moved by ${num(c.method.lipschitzRadius)} (local)`,
      `  epsilon = ${num(c.epsilon)}  W1 between ${c.method.rows} real rows and as many samples of generation 0 (two halves of the real rows alone: ${num(c.epsilonFloor)})`,
      `  |grad|  = ${num(c.gradientNorm)}  at generation 0; distance to the optimum <= |grad| / alpha = ${num(c.distanceToOptimum)}`,
      c.alpha > 0
        ? `  largest certified lambda: ${num(c.lambdaMax)}`
        : '  no lambda certified: the estimated expected log-likelihood is not strongly concave at generation 0 (alpha <= 0)',
    );
    if (c.certified !== null) {
      lines.push(`  this run's lambda: ${c.certified ? `certified (contraction factor <= ${num(c.contraction ?? Infinity)})` : 'not certified (the theorem is sufficient, not necessary)'}`);
    }
  }
  if (report.gaussian) {
    const g = report.gaussian;
    lines.push(
      `gaussian: exact expected dynamics with |D| = ${g.realCount} and ${g.syntheticCount} synthetic samples a generation (E[Sigma_t] = c_t S_D, Cov(mu_t) = p_t S_D):`,
      '  gen  E[tr Sigma_t]  5%-95% of loops     tr Sigma_t  E|mu_t - mu_0|^2  5%-95% of loops     |mu_t - mu_0|^2',
      ...g.curve.map(
        (p) =>
          `  ${String(p.generation).padStart(3)}  ${num(p.expectedTrace).padStart(13)}  ${band(p.traceBand).padEnd(18)}  ${(p.trace === undefined ? '-' : num(p.trace)).padStart(10)}  ${num(p.expectedMeanDrift).padStart(16)}  ${band(p.meanDriftBand).padEnd(18)}  ${(p.meanDrift === undefined ? '-' : num(p.meanDrift)).padStart(15)}`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

function band(range: readonly [number, number] | undefined): string {
  return range ? `${num(range[0])}..${num(range[1])}` : '-';
}

function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toPrecision(4);
}
