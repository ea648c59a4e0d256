// Marks the page as able to run GOV.UK Frontend's JavaScript (kept in a file
// so the Content-Security-Policy can forbid inline script).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
