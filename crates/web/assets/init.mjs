import { initAll } from '/assets/govuk-frontend.min.js';
initAll();
// htmx requests carry the CSRF token from the page's meta-free hidden field.
document.body.addEventListener('htmx:configRequest', (event) => {
  const field = document.querySelector('input[name="csrf_token"]');
  if (field) { event.detail.headers['X-CSRF-Token'] = field.value; }
});
