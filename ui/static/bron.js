() => {
  // Gradio runs this function once when the page loads (Blocks.launch(js=...)). [n] links and "open in
  // article" links open the collapsed <details> around their target, then scroll to it. A click on
  // "searched for: ..." (the standalone question a follow-up became) puts that question into the question box,
  // to correct it and ask again.
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
  const editSearched = (searched) => {
    const q = searched.querySelector('q');
    const box = document.querySelector('#bron-question textarea');
    if (!q || !box) return;
    box.value = q.textContent;
    box.dispatchEvent(new Event('input', {bubbles: true}));  // Gradio's Textbox keeps its value from this event
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  };
  document.addEventListener('click', (e) => {
    const searched = e.target.closest && e.target.closest('.bron-searched');
    if (searched) {
      e.preventDefault();
      editSearched(searched);
      return;
    }
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
