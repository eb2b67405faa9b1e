// Login form; after logging in it returns to the page that asked for it.

import { ApiError } from '../api';
import { login } from '../auth';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { t } from '../i18n';
import type { Context, View } from './view';

export class LoginView implements View {
  needsLogin = false;
  private ctx!: Context;
  private error = '';
  private busy = false;
  /** next is the route to open after logging in */
  next = '#/planner';
  /** required is set when another page sent the user here */
  required = false;

  enter(ctx: Context): void {
    this.ctx = ctx;
    this.error = '';
    this.render();
    this.ctx.panel.querySelector<HTMLInputElement>('input[name=username]')?.focus();
  }

  leave(): void {
    this.required = false;
  }

  private async submit(form: HTMLFormElement): Promise<void> {
    const fd = new FormData(form);
    this.busy = true;
    this.error = '';
    this.render();
    try {
      await login(String(fd.get('username') ?? ''), String(fd.get('password') ?? ''));
      this.busy = false;
      this.ctx.go(this.next);
    } catch (e) {
      this.busy = false;
      this.error = e instanceof ApiError && (e.kind === 'auth' || e.status === 400) ? t('login.failed') : describeError(e);
      this.render();
    }
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
          onsubmit: (e: Event) => {
            e.preventDefault();
            this.submit(e.target as HTMLFormElement);
          },
        },
        h('label', {}, t('login.username'), h('input', { name: 'username', autocomplete: 'username', required: true })),
        h('label', {}, t('login.password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
        h('button', { type: 'submit', class: 'primary', disabled: this.busy }, t('login.submit')),
        this.error ? message(this.error, 'error') : null,
      ),
    );
  }
}
