import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A temporary folder with files written into it; `remove()` deletes it. */
export function tempDir(files: Record<string, string | object> = {}): {
  dir: string;
  path(name: string): string;
  write(name: string, content: string | object): string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), "tlsgate-policy-"));
  const write = (name: string, content: string | object): string => {
    const file = join(dir, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
    return file;
  };
  for (const [name, content] of Object.entries(files)) write(name, content);
  return {
    dir,
    path: (name) => join(dir, name),
    write,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
