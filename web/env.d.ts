// Vite bundles the stylesheet imported by main.ts; to the compiler a CSS import is a side effect only.
declare module '*.css';
