import { Observable, Subscriber } from 'rxjs';
import type { Observer, Operator, Subscription, TeardownLogic } from 'rxjs';

/** Called when a subscriber's own code throws, or a stream ends in an error nobody handles. */
export type SubscriberErrorHook = (error: unknown, info: { readonly topic: string }) => void;

/**
 * An Observable that catches what the final subscriber's callbacks throw and reports it, tagged with a
 * topic, instead of letting rxjs 7 rethrow it later on a timer (which crashes a Node process).
 *
 * Operators piped onto it stay guarded (`lift` is overridden, the same extension point rxjs's own
 * `Subject` uses), so `ctx.subscribe(t).pipe(map(f)).subscribe(handler)` still reports a throwing
 * `handler` with the topic, and the subscription keeps receiving later messages. An error *inside* an
 * operator ends the stream as rxjs specifies; it is reported once here. Use `mapSafe` in pipelines to
 * drop one bad message instead.
 */
export class GuardedObservable<T> extends Observable<T> {
  readonly #topic: string;
  readonly #onError: SubscriberErrorHook;

  constructor(
    subscribe: ((this: Observable<T>, subscriber: Subscriber<T>) => TeardownLogic) | undefined,
    options: { topic: string; onError: SubscriberErrorHook },
  ) {
    super(subscribe);
    this.#topic = options.topic;
    this.#onError = options.onError;
  }

  override lift<R>(operator?: Operator<T, R>): Observable<R> {
    const lifted = new GuardedObservable<R>(undefined, { topic: this.#topic, onError: this.#onError });
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the documented way to extend lift
    lifted.source = this;
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    lifted.operator = operator;
    return lifted;
  }

  override subscribe(observerOrNext?: Partial<Observer<T>> | ((value: T) => void)): Subscription;
  /** @deprecated use an observer object */
  override subscribe(
    next?: ((value: T) => void) | null,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription;
  override subscribe(
    observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    // rxjs operators subscribe with their own Subscriber; only user observers get wrapped.
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext);
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'function' || observerOrNext == null
        ? { next: observerOrNext ?? undefined, error: error ?? undefined, complete: complete ?? undefined }
        : observerOrNext;
    return super.subscribe(guardObserver(observer, this.#topic, this.#onError));
  }
}

function guardObserver<T>(observer: Partial<Observer<T>>, topic: string, onError: SubscriberErrorHook): Observer<T> {
  const info = { topic };
  return {
    next: (value) => {
      try {
        observer.next?.(value);
      } catch (err) {
        onError(err, info);
      }
    },
    error: (err) => {
      if (observer.error === undefined) {
        onError(err, info);
        return;
      }
      try {
        observer.error(err);
      } catch (thrown) {
        onError(thrown, info);
      }
    },
    complete: () => {
      try {
        observer.complete?.();
      } catch (thrown) {
        onError(thrown, info);
      }
    },
  };
}
