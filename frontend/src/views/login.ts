// Login form; after logging in it returns to the page that asked for it.

import { ApiError } from '../api';
import { login } from '../auth';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { checkFields, serverFieldError, showFieldErrors, type FieldErrors } from '../forms';
import { t } from '../i18n';
import type { Context, View } from './view';

export class LoginView implements View {
  needsLogin = false;
  noMap = true;
  private ctx!: Context;
  private error = '';
  private busy = false;
  /** what was typed as the user name, kept when a login fails */
  private username = '';
  private fieldErrors: FieldErrors = {};
  /** next is the route to open after logging in */
  next = '#/planner';
  /** required is set when another page sent the user here */
  required = false;

  enter(ctx: Context): void {
    this.ctx = ctx;
    this.error = '';
    this.fieldErrors = {};
    this.render();
    this.ctx.panel.querySelector<HTMLInputElement>(this.username ? 'input[name=password]' : 'input[name=username]')?.focus();
  }

  leave(): void {
    this.required = false;
  }

  private async submit(form: HTMLFormElement): Promise<void> {
    const fd = new FormData(form);
    this.username = String(fd.get('username') ?? '').trim();
    const password = String(fd.get('password') ?? '');
    this.fieldErrors = checkFields({ username: this.username, password }, { username: { required: true }, password: { required: true } });
    if (Object.keys(this.fieldErrors).length) {
      this.error = '';
      this.render();
      showFieldErrors(this.form(), this.fieldErrors);
      return;
    }
    this.busy = true;
    this.error = '';
    this.render();
    try {
      await login(this.username, password);
      this.busy = false;
      this.ctx.go(this.next);
    } catch (e) {
      this.busy = false;
      const field = e instanceof ApiError && e.status === 400 ? serverFieldError(e) : null;
      this.fieldErrors = field ? { [field.field]: field.message } : {};
      this.error = field ? '' : e instanceof ApiError && (e.kind === 'auth' || e.status === 400) ? t('login.failed') : describeError(e);
      this.render();
      // The user name stays; the password is asked for again.
      const f = this.form();
      showFieldErrors(f, this.fieldErrors, false);
      f.querySelector<HTMLInputElement>(field ? `[name="${field.field}"]` : 'input[name=password]')?.focus();
    }
  }

  private form(): HTMLFormElement {
    return this.ctx.panel.querySelector<HTMLFormElement>('form.login')!;
  }

  render(): void {
    fill(
      this.ctx.panel,
      h('h2', {}, t('login.title')),
      this.required ? message(t('login.required')) : null,
      h(
        'form',
        {
          class: 'form login',
          novalidate: true,
          onsubmit: (e: Event) => {
            e.preventDefault();
            this.submit(e.target as HTMLFormElement);
          },
        },
        h('label', {}, t('login.username'), h('input', { name: 'username', autocomplete: 'username', required: true, value: this.username, autocapitalize: 'none', spellcheck: 'false' })),
        h('label', {}, t('login.password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
        h('button', { type: 'submit', class: 'primary', disabled: this.busy, 'aria-busy': this.busy ? 'true' : undefined }, t('login.submit')),
        this.error ? message(this.error, 'error') : null,
      ),
    );
  }
}
