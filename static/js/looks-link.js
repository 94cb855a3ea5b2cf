// The stream graphics' looks stylesheet (link[data-looks]) swapped for another address without
// a flash: the new link goes in after the newest, and the older ones go once it has loaded.

export function newestLooks(doc) {
  return [...doc.querySelectorAll("link[data-looks]")].at(-1) ?? null;
}

export function useLooks(doc, url) {
  const link = newestLooks(doc);
  if (!url || !link || link.href === new URL(url, doc.baseURI).href) return;
  const next = link.cloneNode();
  next.href = url;
  next.addEventListener(
    "load",
    () => {
      for (const older of doc.querySelectorAll("link[data-looks]")) {
        if (older === next) break;
        older.remove();
      }
    },
    { once: true },
  );
  link.after(next);
}
