import type { Toast } from '@codeface/ui';
import { create } from 'zustand';

type ToastInput = Omit<Toast, 'id'> & { durationMs?: number };

type ToastState = {
  toasts: Toast[];
  show: (toast: ToastInput) => string;
  dismiss: (id: string) => void;
};

let nextToast = 0;

/** Background errors and undo offers; each toast leaves on its own after a few seconds. */
export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  show: ({ durationMs = 6000, ...toast }) => {
    const id = `toast-${nextToast++}`;
    set({ toasts: [...get().toasts, { ...toast, id }].slice(-4) });
    setTimeout(() => get().dismiss(id), durationMs);
    return id;
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));

export const showError = (text: string): void => {
  useToasts.getState().show({ kind: 'error', text, durationMs: 8000 });
};
