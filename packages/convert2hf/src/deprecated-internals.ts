// The internals the root entry exported up to 0.1, kept there one minor version as deprecated
// aliases of `@tinylm/convert2hf/internals` (where they now live); they leave the root in 0.3.

import * as internals from './internals';

/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const unpickle = internals.unpickle;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const PyDict = internals.PyDict;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type PyDict = internals.PyDict;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const PyGlobal = internals.PyGlobal;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type PyGlobal = internals.PyGlobal;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const PySet = internals.PySet;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type PySet = internals.PySet;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const PyTuple = internals.PyTuple;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type PyTuple = internals.PyTuple;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type Buildable = internals.Buildable;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type GlobalHandler = internals.GlobalHandler;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type HandlerContext = internals.HandlerContext;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type PickleValue = internals.PickleValue;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type UnpickleOptions = internals.UnpickleOptions;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const loadTorchFile = internals.loadTorchFile;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type LoadTorchFileOptions = internals.LoadTorchFileOptions;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const stateDictOf = internals.stateDictOf;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const TORCH_GLOBALS = internals.TORCH_GLOBALS;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const TORCH_STORAGE_DTYPES = internals.TORCH_STORAGE_DTYPES;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type TorchFile = internals.TorchFile;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const TorchStorage = internals.TorchStorage;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type TorchStorage = internals.TorchStorage;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const TorchTensor = internals.TorchTensor;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type TorchTensor = internals.TorchTensor;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const toPlain = internals.toPlain;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const crc32 = internals.crc32;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const openZip = internals.openZip;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export const ZipArchive = internals.ZipArchive;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type ZipArchive = internals.ZipArchive;
/** @deprecated Moved to @tinylm/convert2hf/internals; the root export goes in 0.3. */
export type ZipEntry = internals.ZipEntry;
