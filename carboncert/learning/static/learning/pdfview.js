// A PDF lesson drawn in the page with pdf.js (vendored), not left to the browser's own
// viewer: scrolling and reading it is then using this page, which the idle cut-off sees,
// and phones whose browsers show no PDF in a frame show it too. Pages are drawn as they
// come into view, at the width of the column and the screen's pixel density.

export async function showPdf(box) {
  const state = box.querySelector('.pdf-state');
  try {
    const pdfjs = await import(box.dataset.pdfjs);
    pdfjs.GlobalWorkerOptions.workerSrc = box.dataset.worker;
    const pdf = await pdfjs.getDocument({
      url: box.dataset.src,
      cMapUrl: box.dataset.cmaps, // Chinese text in CID fonts needs its character maps
      cMapPacked: true,
      standardFontDataUrl: box.dataset.fonts,
      isEvalSupported: false,
      withCredentials: true,
    }).promise;
    const first = await pdf.getPage(1);
    const { width, height } = first.getViewport({ scale: 1 });
    const pages = [];
    for (let n = 1; n <= pdf.numPages; n += 1) {
      const holder = document.createElement('div');
      holder.className = 'pdf-page';
      holder.dataset.page = String(n);
      holder.style.aspectRatio = `${width} / ${height}`; // until it is drawn
      holder.setAttribute('aria-label', `${n} / ${pdf.numPages}`);
      pages.push(holder);
    }
    box.querySelector('.pdf-pages').append(...pages);
    state.textContent = '';
    box.dataset.pages = String(pdf.numPages);

    const draw = async (holder) => {
      const page = await pdf.getPage(Number(holder.dataset.page));
      const natural = page.getViewport({ scale: 1 });
      const ratio = window.devicePixelRatio || 1;
      const viewport = page.getViewport({ scale: (holder.clientWidth * ratio) / natural.width });
      const canvas = document.createElement('canvas');
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      holder.style.aspectRatio = `${natural.width} / ${natural.height}`;
      holder.append(canvas);
      await page.render({ canvas, canvasContext: canvas.getContext('2d'), viewport }).promise;
      holder.dataset.drawn = 'true';
    };
    const seen = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        seen.unobserve(entry.target);
        draw(entry.target).catch(() => {
          entry.target.textContent = state.dataset.failed;
        });
      }
    }, { rootMargin: '50% 0px' });
    for (const holder of pages) seen.observe(holder);
  } catch {
    state.textContent = state.dataset.failed;
  }
}

for (const box of document.querySelectorAll('.pdf-view')) showPdf(box);
