/**
 * A dependency that points up the module graph, inverted: the lower module owns the interface and an injectable
 * `Port` subclass (which it exports); the module above plugs its implementation in at start-up. The lower module
 * never imports the upper one, and works without it (`current` is null until something is plugged in).
 */
export abstract class Port<T> {
  private implementation: T | null = null;

  plug(implementation: T): void {
    this.implementation = implementation;
  }

  get current(): T | null {
    return this.implementation;
  }
}
