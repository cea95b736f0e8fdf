/**
 * A typed fake of the part of `@actions/core` the action uses: inputs from a map (the names as
 * in action.yml), and everything the action emits recorded for assertions.
 */
import type { ActionsCore, AnnotationProperties, SummaryWriter } from "../../src/toolkit.js";

export interface RecordedAnnotation {
  level: "error" | "warning" | "notice";
  message: string;
  properties: AnnotationProperties | undefined;
}

export class FakeSummary implements SummaryWriter {
  buffer = "";
  written: string[] = [];

  addRaw(text: string, addEOL = false): this {
    this.buffer += addEOL ? `${text}\n` : text;
    return this;
  }

  async write(): Promise<this> {
    this.written.push(this.buffer);
    this.buffer = "";
    return this;
  }
}

export class FakeCore implements ActionsCore {
  readonly outputs = new Map<string, string>();
  readonly annotations: RecordedAnnotation[] = [];
  readonly logs: string[] = [];
  failed: string | null = null;
  readonly summary = new FakeSummary();

  constructor(readonly inputs: Record<string, string> = {}) {}

  getInput(name: string, options?: { required?: boolean; trimWhitespace?: boolean }): string {
    const value = this.inputs[name] ?? "";
    if (options?.required === true && value === "") {
      throw new Error(`Input required and not supplied: ${name}`);
    }
    return options?.trimWhitespace === false ? value : value.trim();
  }

  /** As @actions/core: the YAML 1.2 core schema's booleans, anything else throws. */
  getBooleanInput(name: string): boolean {
    const value = this.getInput(name);
    if (["true", "True", "TRUE"].includes(value)) return true;
    if (["false", "False", "FALSE"].includes(value)) return false;
    throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}`);
  }

  setOutput(name: string, value: string | number): void {
    this.outputs.set(name, String(value));
  }

  setFailed(message: string | Error): void {
    this.failed = message instanceof Error ? message.message : message;
  }

  error(message: string, properties?: AnnotationProperties): void {
    this.annotations.push({ level: "error", message, properties });
  }

  warning(message: string, properties?: AnnotationProperties): void {
    this.annotations.push({ level: "warning", message, properties });
  }

  notice(message: string, properties?: AnnotationProperties): void {
    this.annotations.push({ level: "notice", message, properties });
  }

  info(message: string): void {
    this.logs.push(message);
  }
}
