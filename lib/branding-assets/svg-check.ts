import 'server-only';

/**
 * A strict allow-list check for uploaded SVG logos. It refuses rather than rewrites: a cleaned
 * copy would be a picture the clinic never approved, and a rewriter that misses a trick serves
 * the trick. (npm has no maintained SVG sanitiser that runs in Node without a DOM: DOMPurify
 * needs jsdom.) The route serving the file adds a sandboxing CSP as a second line.
 *
 * Refused: DOCTYPE/ENTITY declarations, processing instructions other than `<?xml …?>`, any
 * element outside the drawing allow-list (script, foreignObject, image, a, animate, set, iframe,
 * …), event-handler attributes (`on*`), any href that is not a same-document `#fragment`
 * (javascript:, data:, http:, relative files), CSS with `@import`, `url()` to anything but
 * `#fragment`, escapes or `expression(`, and namespaces other than SVG, XLink and the inert
 * editor metadata namespaces (XHTML is how HTML gets in).
 */

export type SvgCheckResult = { ok: true } | { ok: false; reason: 'unsafe' | 'malformed'; detail: string };

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Editor bookkeeping (Inkscape, Sketch, Affinity, RDF licence blocks): browsers never render these. */
const INERT_NAMESPACES = new Set([
  'http://www.inkscape.org/namespaces/inkscape',
  'http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd',
  'http://inkscape.sourceforge.net/DTD/sodipodi-0.dtd',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  'http://creativecommons.org/ns#',
  'http://web.resource.org/cc/',
  'http://purl.org/dc/elements/1.1/',
  'http://www.bohemiancoding.com/sketch/ns',
  'http://www.serif.com/',
  'http://ns.adobe.com/AdobeIllustrator/10.0/',
  'http://ns.adobe.com/Graphs/1.0/',
  'http://ns.adobe.com/SaveForWeb/1.0/',
  'http://ns.adobe.com/Extensibility/1.0/',
  'http://ns.adobe.com/Variables/1.0/',
  'http://ns.adobe.com/ImageReplacement/1.0/',
  'http://ns.adobe.com/AdobeSVGViewerExtensions/3.0/',
]);

/** Static drawing elements. No script, foreignObject, image, use of external files, links or animation. */
const ALLOWED_ELEMENTS = new Set([
  'svg', 'g', 'defs', 'symbol', 'use', 'title', 'desc', 'metadata', 'style', 'switch',
  'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon',
  'text', 'tspan', 'textPath',
  'linearGradient', 'radialGradient', 'stop', 'pattern', 'clipPath', 'mask', 'marker',
  'filter', 'feBlend', 'feColorMatrix', 'feComponentTransfer', 'feComposite', 'feConvolveMatrix',
  'feDiffuseLighting', 'feDisplacementMap', 'feDistantLight', 'feDropShadow', 'feFlood', 'feFuncA',
  'feFuncB', 'feFuncG', 'feFuncR', 'feGaussianBlur', 'feMerge', 'feMergeNode', 'feMorphology',
  'feOffset', 'fePointLight', 'feSpecularLighting', 'feSpotLight', 'feTile', 'feTurbulence',
]);

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?$/;
const PREDEFINED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

class Refusal extends Error {
  constructor(readonly reason: 'unsafe' | 'malformed', readonly detail: string) {
    super(detail);
  }
}
const unsafe = (detail: string) => new Refusal('unsafe', detail);
const malformed = (detail: string) => new Refusal('malformed', detail);

/** Decodes character and the five predefined entity references; any other entity is refused. */
function decodeEntities(value: string): string {
  return value.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw malformed('a bare & in text or an attribute');
    if (ref.startsWith('#x') || ref.startsWith('#X')) {
      const code = Number.parseInt(ref.slice(2), 16);
      if (!/^[0-9a-fA-F]+$/.test(ref.slice(2)) || code > 0x10ffff) throw malformed(`a bad character reference &${ref};`);
      return String.fromCodePoint(code);
    }
    if (ref.startsWith('#')) {
      const code = Number(ref.slice(1));
      if (!/^[0-9]+$/.test(ref.slice(1)) || code > 0x10ffff) throw malformed(`a bad character reference &${ref};`);
      return String.fromCodePoint(code);
    }
    const named = PREDEFINED_ENTITIES[ref];
    if (named === undefined) throw unsafe(`the entity &${ref};`);
    return named;
  });
}

/** CSS in a style element or attribute: no imports, no escapes, url() only to #fragments. */
function checkCss(css: string): void {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  if (text.includes('\\')) throw unsafe('an escape in CSS');
  if (/@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding/i.test(text)) throw unsafe('CSS that loads or runs something');
  for (const match of text.matchAll(/url\s*\(\s*(['"]?)([^'")]*)/gi)) {
    if (!match[2]!.trim().startsWith('#')) throw unsafe('CSS url() to another file');
  }
  if (/image-set\s*\(|@font-face/i.test(text)) throw unsafe('CSS that loads another file');
}

function localName(name: string): { prefix: string | null; local: string } {
  const colon = name.indexOf(':');
  return colon === -1 ? { prefix: null, local: name } : { prefix: name.slice(0, colon), local: name.slice(colon + 1) };
}

interface OpenElement {
  name: string;
  namespaces: Map<string, string>;
  inert: boolean;
  isStyle: boolean;
}

const ATTRIBUTE = /\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;

function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  let rest = source;
  while (rest.trim() !== '') {
    ATTRIBUTE.lastIndex = 0;
    const match = ATTRIBUTE.exec(rest);
    if (!match) throw malformed('an attribute without a quoted value');
    const name = match[1]!;
    const raw = match[2] ?? match[3] ?? '';
    if (!NAME.test(name)) throw malformed(`the attribute name ${name}`);
    if (raw.includes('<')) throw malformed('a < inside an attribute value');
    if (attributes.has(name)) throw malformed(`the attribute ${name} twice`);
    attributes.set(name, decodeEntities(raw));
    rest = rest.slice(match[0].length);
  }
  return attributes;
}

function checkElement(name: string, attributes: Map<string, string>, parent: OpenElement | undefined): OpenElement {
  const namespaces = new Map(parent?.namespaces ?? [['xml', XML_NS]]);
  for (const [attr, value] of attributes) {
    if (attr === 'xmlns') {
      if (value !== SVG_NS) throw unsafe(`the default namespace ${value}`);
      namespaces.set('', value);
    } else if (attr.startsWith('xmlns:')) {
      if (value !== SVG_NS && value !== XLINK_NS && !INERT_NAMESPACES.has(value)) throw unsafe(`the namespace ${value}`);
      namespaces.set(attr.slice(6), value);
    }
  }
  const { prefix, local } = localName(name);
  const elementNs = prefix === null ? (namespaces.get('') ?? SVG_NS) : namespaces.get(prefix);
  if (elementNs === undefined) throw malformed(`the undeclared prefix ${prefix}`);
  const inert = parent?.inert === true || INERT_NAMESPACES.has(elementNs);
  if (!parent && (elementNs !== SVG_NS || local !== 'svg')) throw malformed('a root element other than <svg>');
  // Inside editor metadata nothing is rendered, but an SVG-namespaced script there would still run.
  if (elementNs === SVG_NS && !ALLOWED_ELEMENTS.has(local)) throw unsafe(`the element <${name}>`);
  if (elementNs !== SVG_NS && !inert) throw unsafe(`the element <${name}>`);

  for (const [attr, value] of attributes) {
    const { local: attrLocal } = localName(attr);
    if (/^on/i.test(attrLocal)) throw unsafe(`the event handler ${attr}`);
    if (attrLocal.toLowerCase() === 'href' || attrLocal.toLowerCase() === 'src') {
      if (!value.trim().startsWith('#')) throw unsafe(`${attr}="${value.slice(0, 40)}"`);
    }
    if (attrLocal === 'style') checkCss(value);
    const squeezed = value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
    if (squeezed.includes('javascript:') || squeezed.includes('vbscript:')) throw unsafe(`a script URL in ${attr}`);
    if (/url\(/i.test(value)) checkCss(value);
  }
  return { name, namespaces, inert, isStyle: elementNs === SVG_NS && local === 'style' };
}

/** Checks the text of an SVG file. Never throws: the result says why a file was refused. */
export function checkSvg(source: string): SvgCheckResult {
  try {
    walk(source);
    return { ok: true };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.reason, detail: error.detail };
    throw error;
  }
}

function walk(input: string): void {
  const source = input.replace(/^\uFEFF/, '');
  if (/<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST/i.test(source)) throw unsafe('a DOCTYPE or ENTITY declaration');
  const stack: OpenElement[] = [];
  let sawRoot = false;
  let i = 0;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const text = source.slice(i, lt === -1 ? source.length : lt);
    if (text.trim() !== '') {
      if (stack.length === 0) throw malformed('text outside the <svg> element');
      const decoded = decodeEntities(text);
      if (stack.at(-1)!.isStyle) checkCss(decoded);
    }
    if (lt === -1) break;

    if (source.startsWith('<!--', lt)) {
      const end = source.indexOf('-->', lt + 4);
      if (end === -1) throw malformed('an unclosed comment');
      i = end + 3;
    } else if (source.startsWith('<![CDATA[', lt)) {
      const end = source.indexOf(']]>', lt + 9);
      if (end === -1 || stack.length === 0) throw malformed('a misplaced CDATA section');
      if (stack.at(-1)!.isStyle) checkCss(source.slice(lt + 9, end));
      i = end + 3;
    } else if (source.startsWith('<?', lt)) {
      const end = source.indexOf('?>', lt + 2);
      if (end === -1) throw malformed('an unclosed processing instruction');
      // Only the XML declaration; <?xml-stylesheet?> would load another file.
      if (!/^<\?xml\s/.test(source.slice(lt, end + 2)) || sawRoot) throw unsafe('a processing instruction');
      i = end + 2;
    } else if (source.startsWith('</', lt)) {
      const end = source.indexOf('>', lt);
      if (end === -1) throw malformed('an unclosed end tag');
      const name = source.slice(lt + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw malformed(`</${name}> without its start tag`);
      i = end + 1;
    } else {
      const end = findTagEnd(source, lt);
      let body = source.slice(lt + 1, end);
      const selfClosing = body.endsWith('/');
      if (selfClosing) body = body.slice(0, -1);
      const nameMatch = /^[^\s/>]+/.exec(body);
      if (!nameMatch || !NAME.test(nameMatch[0])) throw malformed('a tag without a valid name');
      if (stack.length === 0 && sawRoot) throw malformed('more than one root element');
      const element = checkElement(nameMatch[0], parseAttributes(body.slice(nameMatch[0].length)), stack.at(-1));
      sawRoot = true;
      if (!selfClosing) stack.push(element);
      i = end + 1;
    }
  }
  if (!sawRoot) throw malformed('no <svg> element');
  if (stack.length > 0) throw malformed(`<${stack.at(-1)!.name}> is never closed`);
}

/** The `>` that ends a start tag, skipping quoted attribute values (which may contain `>`). */
function findTagEnd(source: string, start: number): number {
  let quote: string | null = null;
  for (let j = start + 1; j < source.length; j++) {
    const c = source[j]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '<') {
      throw malformed('a < inside a tag');
    } else if (c === '>') {
      return j;
    }
  }
  throw malformed('an unclosed tag');
}
