import * as tf from '@tensorflow/tfjs';

/**
 * A network part that owns named trainable variables and child modules, like torch.nn.Module.
 * Parameter names are dotted paths (`blocks.0.conv.weight`), the keys of saved weight files.
 * Variables are created without tfjs names (those must be globally unique); the path is ours.
 */
export abstract class Module {
  private readonly ownParams = new Map<string, tf.Variable>();
  private readonly children = new Map<string, Module>();

  /** Registers `initial` as a trainable variable called `name`; the module owns (and disposes) it. */
  protected param(name: string, initial: tf.Tensor): tf.Variable {
    if (this.ownParams.has(name) || this.children.has(name)) throw new Error(`${this.constructor.name}: parameter '${name}' registered twice`);
    const variable = tf.variable(initial, true);
    initial.dispose();
    this.ownParams.set(name, variable);
    return variable;
  }

  /** Registers a child module under `name`; its parameters appear as `name.<param>`. */
  protected child<M extends Module>(name: string, module: M): M {
    if (this.ownParams.has(name) || this.children.has(name)) throw new Error(`${this.constructor.name}: child '${name}' registered twice`);
    this.children.set(name, module);
    return module;
  }

  /** Every parameter with its dotted path, own parameters first, then children in registration order. */
  namedParameters(prefix = ''): Array<[string, tf.Variable]> {
    const out: Array<[string, tf.Variable]> = [];
    for (const [name, variable] of this.ownParams) out.push([`${prefix}${name}`, variable]);
    for (const [name, module] of this.children) out.push(...module.namedParameters(`${prefix}${name}.`));
    return out;
  }

  parameters(): tf.Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  /** Number of scalar parameters. */
  parameterCount(): number {
    return this.parameters().reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    for (const variable of this.ownParams.values()) variable.dispose();
    for (const module of this.children.values()) module.dispose();
    this.ownParams.clear();
    this.children.clear();
  }
}
