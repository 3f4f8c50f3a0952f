// Node module hooks: let `import` load ES modules from http(s) URLs, as a browser does for
// <script type="module" src="…"> and the imports inside it. Relative specifiers in a module
// loaded from a URL resolve against that URL. Registered by officejs_harness.mjs.
let port = null;

export function initialize(data) {
  port = data?.port ?? null;
}

const isHttp = (u) => /^https?:\/\//i.test(u);

export async function resolve(specifier, context, nextResolve) {
  if (isHttp(specifier)) {
    return { url: specifier, shortCircuit: true };
  }
  const parent = context.parentURL;
  if (parent && isHttp(parent) && /^(\.{1,2})?\//.test(specifier)) {
    return { url: new URL(specifier, parent).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!isHttp(url)) {
    return nextLoad(url, context);
  }
  const response = await fetch(url, { signal: AbortSignal.timeout(15000) });
  if (!response.ok) {
    throw new Error(`GET ${url}: HTTP ${response.status}`);
  }
  const source = await response.text();
  port?.postMessage(url);
  return { format: "module", source, shortCircuit: true };
}
