() => {
  // Gradio runs this function once when the page loads (Blocks.launch(js=...)). [n] links and "open in
  // article" links open the collapsed <details> around their target, then scroll to it.
  if (window.__bron) return;
  window.__bron = true;
  const reveal = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;
  };
  const centre = (details) => {
    const box = details.querySelector('.bron-article-text');
    const hit = box && box.querySelector('.bron-in-article');
    if (hit) box.scrollTop = Math.max(0, hit.offsetTop - box.clientHeight / 4);
  };
  const go = (id) => {
    const el = document.getElementById(id);
    if (!el) return;
    reveal(el);
    const article = el.closest('details.bron-article');
    if (article) centre(article);
    el.scrollIntoView({behavior: 'smooth', block: 'center'});
    el.classList.remove('bron-flash');
    void el.offsetWidth;
    el.classList.add('bron-flash');
  };
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[href^="#src-"], a[href^="#art-"]');
    if (!a) return;
    e.preventDefault();
    e.stopPropagation();
    go(a.getAttribute('href').slice(1));
  }, true);
  document.addEventListener('toggle', (e) => {
    const d = e.target;
    if (d && d.classList && d.classList.contains('bron-article') && d.open) centre(d);
  }, true);
}
