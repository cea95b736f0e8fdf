/**
 * An empty project that installs packed workspace tarballs offline: its package.json names the
 * tarballs, and its lock pins every production dependency exactly as the workspace's lock does.
 * With a lock, `npm ci --offline` takes each tarball from the npm cache by its integrity (which
 * the workspace's own `npm ci` filled); a range resolution would need the registry.
 */
export interface LockEntry {
  version?: string;
  dev?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
  [field: string]: unknown;
}

export interface PackageLock {
  packages: Record<string, LockEntry>;
}

export interface PackedWorkspace {
  /** The workspace folder, e.g. "packages/cli". */
  workspace: string;
  /** The tarball's file name in the project's tarballs/ folder. */
  file: string;
  /** npm pack's integrity, when the tarball is to be checked against it. */
  integrity?: string;
}

export interface OfflineProject {
  manifest: Record<string, unknown>;
  lock: Record<string, unknown>;
}

/**
 * The package.json and package-lock.json of a project named `name` that installs `packed` (npm
 * name → tarball) with the workspace `lock`'s dependency tree. `version` overrides the version
 * the lock records for the packed workspaces (after a version bump the lock may lag).
 */
export function offlineProject(
  lock: PackageLock,
  packed: Readonly<Record<string, PackedWorkspace>>,
  options: { name: string; version?: string },
): OfflineProject {
  const dependencies = Object.fromEntries(
    Object.entries(packed).map(([name, { file }]) => [name, `file:tarballs/${file}`]),
  );
  const packages: Record<string, LockEntry> = { "": { name: options.name, dependencies } };
  for (const [name, { workspace, file, integrity }] of Object.entries(packed)) {
    const manifest = lock.packages[workspace] ?? {};
    const version = options.version ?? manifest.version;
    packages[`node_modules/${name}`] = {
      ...(version === undefined ? {} : { version }),
      resolved: `file:tarballs/${file}`,
      ...(integrity === undefined ? {} : { integrity }),
      ...(manifest.dependencies ? { dependencies: manifest.dependencies } : {}),
      ...(manifest.bin ? { bin: manifest.bin } : {}),
    };
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path.startsWith(`${workspace}/node_modules/`)) {
        packages[`node_modules/${name}/${path.slice(workspace.length + 1)}`] = entry;
      }
    }
  }
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path.startsWith("node_modules/") && entry.dev !== true && entry.link !== true) {
      packages[path] = entry;
    }
  }
  return {
    manifest: { name: options.name, version: "1.0.0", private: true, dependencies },
    lock: { name: options.name, version: "1.0.0", lockfileVersion: 3, requires: true, packages },
  };
}
