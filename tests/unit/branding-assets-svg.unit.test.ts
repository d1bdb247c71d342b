import { describe, expect, it } from 'vitest';
import { checkSvg } from '@/lib/branding-assets/svg-check';

const svg = (body: string, attrs = '') => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"${attrs}>${body}</svg>`;

describe('SVG logo check (refuses, never rewrites)', () => {
  it.each([
    ['a plain drawing', svg('<rect width="10" height="10" fill="#0f766e"/><circle cx="5" cy="5" r="2"/>')],
    ['an XML declaration, comment, title and gradient referenced by #id', `<?xml version="1.0" encoding="UTF-8"?>\n<!-- exported -->\n${svg(
      '<title>Logo</title><defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs><path d="M0 0h10v10z" fill="url(#g)" style="fill: url(\'#g\'); opacity: .5"/>',
    )}`],
    ['a use element pointing inside the file', svg('<defs><path id="p" d="M0 0h1"/></defs><use href="#p"/><use xlink:href="#p"/>', ' xmlns:xlink="http://www.w3.org/1999/xlink"')],
    ['Inkscape metadata', svg('<sodipodi:namedview id="n" inkscape:zoom="1"/><metadata><rdf:RDF><cc:Work rdf:about=""/></rdf:RDF></metadata>',
      ' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:cc="http://creativecommons.org/ns#"')],
    ['a style element with CDATA', svg('<style><![CDATA[ .a { fill: #123456 } ]]></style><rect class="a" width="1" height="1"/>')],
  ])('accepts %s', (_name, source) => {
    expect(checkSvg(source)).toEqual({ ok: true });
  });

  it.each([
    ['a script element', svg('<script>alert(1)</script>')],
    ['a namespaced script element', '<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:script>alert(1)</s:script></s:svg>'],
    ['an onload attribute', svg('', ' onload="alert(1)"')],
    ['an uppercase event handler', svg('<rect ONCLICK="alert(1)"/>')],
    ['a javascript: href', svg('<a href="javascript:alert(1)"><rect width="1" height="1"/></a>')],
    ['a javascript: xlink:href on use', svg('<use xlink:href="javascript:alert(1)"/>', ' xmlns:xlink="http://www.w3.org/1999/xlink"')],
    ['an entity-encoded javascript: href', svg('<use href="&#106;avascript:alert(1)"/>')],
    ['a data: URL', svg('<use href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/>')],
    ['an external file', svg('<use href="https://evil.test/sprite.svg#a"/>')],
    ['an image element', svg('<image href="#x"/>')],
    ['foreignObject', svg('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>')],
    ['an XHTML namespace', svg('<h:div>x</h:div>', ' xmlns:h="http://www.w3.org/1999/xhtml"')],
    ['animation that could set an href', svg('<set attributeName="href" to="javascript:alert(1)"/>')],
    ['a DOCTYPE with entities', `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>${svg('<text>&x;</text>')}`],
    ['an undeclared entity', svg('<text>&x;</text>')],
    ['an xml-stylesheet instruction', `<?xml-stylesheet href="https://evil.test/a.css"?>${svg('')}`],
    ['CSS @import', svg('<style>@import url(https://evil.test/a.css);</style>')],
    ['CSS url() to another file', svg('<rect style="fill: url(https://evil.test/a.svg#g)"/>')],
    ['a fill that loads another file', svg('<rect fill="url(https://evil.test/a.svg#g)"/>')],
    ['an iframe', svg('<iframe src="https://evil.test"/>')],
  ])('refuses %s as unsafe', (_name, source) => {
    expect(checkSvg(source)).toMatchObject({ ok: false, reason: 'unsafe' });
  });

  it.each([
    ['a root element other than svg', '<html><body/></html>'],
    ['unclosed elements', '<svg xmlns="http://www.w3.org/2000/svg"><g>'],
    ['mismatched tags', svg('<g></rect>')],
    ['unquoted attributes', svg('<rect width=10/>')],
    ['two root elements', `${svg('')}${svg('')}`],
  ])('refuses %s as unreadable', (_name, source) => {
    expect(checkSvg(source)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
