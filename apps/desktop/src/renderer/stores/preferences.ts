import type { ThemePreference } from '@codeface/ui';
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

/**
 * Preferences of this window only: layout, and a copy of the theme so the first paint has the
 * right colours before the settings arrive. Chats and settings live in the database.
 */
type Preferences = {
  sidebarWidth: number;
  sidebarHidden: boolean;
  theme: ThemePreference;
  setSidebarWidth: (width: number) => void;
  toggleSidebar: () => void;
  setTheme: (theme: ThemePreference) => void;
};

export const SIDEBAR_MIN = 200;
export const SIDEBAR_MAX = 480;

export const usePreferences = create<Preferences>()(
  persist(
    (set) => ({
      sidebarWidth: 280,
      sidebarHidden: false,
      theme: 'system',
      setSidebarWidth: (sidebarWidth) => set({ sidebarWidth }),
      toggleSidebar: () => set((s) => ({ sidebarHidden: !s.sidebarHidden })),
      setTheme: (theme) => set({ theme }),
    }),
    { name: 'codeface.ui-preferences', version: 1 },
  ),
);
