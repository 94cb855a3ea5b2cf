"""What a page looks like to a person, measured in the browser: contrast of every visible text
against its effective background (WCAG 2 formula), and the size of every tap target."""

from playwright.sync_api import Page

# Every visible element with text of its own (and every field showing a value): its text
# colour, blended through the opacity of it and its ancestors, against the colours behind it.
CONTRAST_JS = """
() => {
  const parse = (text) => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const channel = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const luminance = (c) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] === 1) break;
      }
    }
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const opacity = (el) => {
    let o = 1;
    for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o;
  };
  const ownText = (el) => {
    if (["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName)) {
      if (el.type === "hidden" || el.type === "checkbox" || el.type === "radio") return "";
      return el.tagName === "SELECT" ? el.selectedOptions[0]?.textContent || "" : el.value;
    }
    return [...el.childNodes]
      .filter((n) => n.nodeType === Node.TEXT_NODE)
      .map((n) => n.textContent)
      .join("")
      .trim();
  };
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const text = ownText(el).trim();
    if (!text || ["SCRIPT", "STYLE", "OPTION"].includes(el.tagName)) continue;
    if (!el.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true })) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(el);
    const back = behind(el);
    const fore = parse(style.color);
    fore[3] *= opacity(el);
    const shown = over(fore, back);
    const [a, b] = [luminance(shown), luminance(back)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    found.push({ text: text.slice(0, 40), ratio: Math.round(ratio * 100) / 100, needed: large ? 3 : 4.5 });
  }
  return found;
}
"""

TAP_TARGETS_JS = """
() => {
  const found = [];
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]";
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true })) continue;
    // A checkbox or radio is tapped through its label: measure the label.
    const target = ["checkbox", "radio"].includes(el.type) && el.closest("label") ? el.closest("label") : el;
    const box = target.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const name = (el.getAttribute("aria-label") || el.textContent || el.value || el.name || el.tagName).trim();
    found.push({ name: name.slice(0, 50), tag: el.tagName.toLowerCase(), width: Math.round(box.width * 10) / 10, height: Math.round(box.height * 10) / 10 });
  }
  return found;
}
"""


def poor_contrast(page: Page) -> list[str]:
    """Each visible text below WCAG AA (4.5:1, or 3:1 for large text), described."""
    return [
        f"{item['text']!r} {item['ratio']}:1 (needs {item['needed']}:1)"
        for item in page.evaluate(CONTRAST_JS)
        if item["ratio"] < item["needed"]
    ]


def small_targets(page: Page, minimum: float = 44) -> list[str]:
    """Each visible link, button or field smaller than ``minimum`` CSS px either way."""
    return [
        f"{item['tag']} {item['name']!r} {item['width']}×{item['height']}"
        for item in page.evaluate(TAP_TARGETS_JS)
        if item["width"] < minimum or item["height"] < minimum
    ]
