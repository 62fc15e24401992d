//! The names a run is made of: AIRs, opcodes, DSL IR instructions and the
//! frames of cycle-tracker call stacks, plus the pools of label strings drawn
//! from them. Widths and degrees are plausible, not measured: they only need
//! to look and scale like OpenVM's.

use crate::rng::Rng;

/// How many rows an AIR has in one proof.
#[derive(Clone, Copy, Debug)]
pub enum Rows {
    /// A table of fixed height 2^n (lookup tables, the program, …).
    Fixed(u8),
    /// Rows proportional to the instructions executed.
    Share(f64),
}

pub struct Air {
    pub name: &'static str,
    pub main_cols: u64,
    pub perm_cols: u64,
    pub prep_cols: u64,
    pub rows: Rows,
    /// Present in every proof; the others appear only when used.
    pub always: bool,
    pub quotient_deg: u64,
    pub constraints: u64,
    pub interactions: u64,
}

#[rustfmt::skip]
const fn air(
    name: &'static str, main_cols: u64, perm_cols: u64, prep_cols: u64, rows: Rows,
    always: bool, quotient_deg: u64, constraints: u64, interactions: u64,
) -> Air {
    Air { name, main_cols, perm_cols, prep_cols, rows, always, quotient_deg, constraints, interactions }
}

use Rows::{Fixed, Share};

/// The RV32 VM that proves the app (guest program) segments.
#[rustfmt::skip]
pub const APP_AIRS: &[Air] = &[
    air("ProgramAir", 10, 8, 0, Fixed(14), true, 1, 4, 1),
    air("VmConnectorAir", 5, 16, 1, Fixed(1), true, 2, 9, 3),
    air("PersistentBoundaryAir<8>", 20, 12, 0, Share(0.012), true, 2, 6, 3),
    air("MemoryMerkleAir<8>", 32, 16, 0, Share(0.015), true, 2, 40, 4),
    air("AccessAdapterAir<8>", 17, 16, 0, Share(0.02), false, 2, 14, 5),
    air("AccessAdapterAir<4>", 13, 16, 0, Share(0.004), false, 2, 14, 5),
    air("AccessAdapterAir<16>", 25, 16, 0, Share(0.003), false, 2, 14, 5),
    air("AccessAdapterAir<32>", 41, 16, 0, Share(0.001), false, 2, 14, 5),
    air("Poseidon2PeripheryAir<BabyBearParameters>, 1>", 302, 8, 0, Share(0.006), true, 3, 282, 1),
    air("VariableRangeCheckerAir", 1, 8, 2, Fixed(19), false, 1, 0, 1),
    air("BitwiseOperationLookupAir<8>", 2, 8, 3, Fixed(16), false, 1, 0, 1),
    air("RangeTupleCheckerAir<2>", 1, 8, 2, Fixed(19), false, 1, 0, 1),
    air("PhantomAir", 6, 12, 0, Share(0.00002), false, 2, 3, 3),
    air("VmAirWrapper<Rv32BaseAluAdapterAir, BaseAluCoreAir<4, 8>", 36, 20, 0, Share(0.33), true, 2, 88, 20),
    air("VmAirWrapper<Rv32BaseAluAdapterAir, LessThanCoreAir<4, 8>", 37, 20, 0, Share(0.04), false, 2, 64, 18),
    air("VmAirWrapper<Rv32BaseAluAdapterAir, ShiftCoreAir<4, 8>", 53, 24, 0, Share(0.05), false, 2, 140, 24),
    air("VmAirWrapper<Rv32BranchAdapterAir, BranchEqualCoreAir<4>", 26, 12, 0, Share(0.12), false, 2, 38, 10),
    air("VmAirWrapper<Rv32BranchAdapterAir, BranchLessThanCoreAir<4, 8>", 32, 16, 0, Share(0.06), false, 2, 71, 13),
    air("VmAirWrapper<Rv32CondRdWriteAdapterAir, Rv32JalLuiCoreAir>", 18, 12, 0, Share(0.04), false, 2, 33, 10),
    air("VmAirWrapper<Rv32JalrAdapterAir, Rv32JalrCoreAir>", 28, 16, 0, Share(0.03), false, 2, 57, 13),
    air("VmAirWrapper<Rv32LoadStoreAdapterAir, LoadStoreCoreAir<4>", 41, 20, 0, Share(0.26), true, 2, 96, 17),
    air("VmAirWrapper<Rv32LoadStoreAdapterAir, LoadSignExtendCoreAir<4, 8>", 33, 20, 0, Share(0.01), false, 2, 62, 17),
    air("VmAirWrapper<Rv32MultAdapterAir, MultiplicationCoreAir<4, 8>", 31, 24, 0, Share(0.01), false, 2, 44, 19),
    air("VmAirWrapper<Rv32MultAdapterAir, MulHCoreAir<4, 8>", 39, 28, 0, Share(0.002), false, 2, 81, 21),
    air("VmAirWrapper<Rv32MultAdapterAir, DivRemCoreAir<4, 8>", 59, 32, 0, Share(0.002), false, 2, 190, 25),
    air("VmAirWrapper<Rv32RdWriteAdapterAir, Rv32AuipcCoreAir>", 20, 12, 0, Share(0.02), false, 2, 41, 11),
    air("VmAirWrapper<Rv32HintStoreAdapterAir, Rv32HintStoreCoreAir>", 32, 20, 0, Share(0.001), false, 2, 58, 15),
];

/// The native VM that runs the recursive verifier (leaf, internal, root).
#[rustfmt::skip]
pub const AGG_AIRS: &[Air] = &[
    air("ProgramAir", 10, 8, 0, Fixed(17), true, 1, 4, 1),
    air("VmConnectorAir", 5, 16, 1, Fixed(1), true, 2, 9, 3),
    air("VolatileBoundaryAir", 12, 12, 0, Share(0.08), true, 2, 17, 4),
    air("AccessAdapterAir<2>", 11, 16, 0, Share(0.05), false, 2, 14, 5),
    air("AccessAdapterAir<4>", 13, 16, 0, Share(0.03), false, 2, 14, 5),
    air("AccessAdapterAir<8>", 17, 16, 0, Share(0.005), false, 2, 14, 5),
    air("NativePoseidon2Air<BabyBearParameters>, 1>", 551, 12, 0, Share(0.03), true, 3, 520, 30),
    air("FriReducedOpeningAir", 60, 16, 0, Share(0.06), false, 3, 45, 12),
    air("JalRangeCheckAir", 14, 12, 0, Share(0.06), false, 2, 12, 8),
    air("VmAirWrapper<NativeAdapterAir<2, 1>, FieldArithmeticCoreAir>", 24, 12, 0, Share(0.3), true, 2, 14, 11),
    air("VmAirWrapper<NativeVectorizedAdapterAir<4>, FieldExtensionCoreAir>", 40, 16, 0, Share(0.12), false, 2, 27, 15),
    air("VmAirWrapper<BranchNativeAdapterAir, BranchEqualCoreAir<1>", 20, 12, 0, Share(0.15), false, 2, 11, 8),
    air("VmAirWrapper<NativeLoadStoreAdapterAir<1>, NativeLoadStoreCoreAir<1>", 18, 12, 0, Share(0.35), true, 2, 12, 8),
    air("VmAirWrapper<NativeLoadStoreAdapterAir<4>, NativeLoadStoreCoreAir<4>", 30, 12, 0, Share(0.05), false, 2, 15, 8),
    air("VmAirWrapper<NativeAdapterAir<2, 0>, PublicValuesCoreAir>", 12, 8, 0, Fixed(5), false, 2, 8, 4),
    air("PhantomAir", 6, 12, 0, Share(0.00001), false, 2, 3, 3),
    air("VariableRangeCheckerAir", 1, 8, 2, Fixed(17), false, 1, 0, 1),
];

/// (opcode, cells per execution); PHANTOM uses no chip cells, which gives the
/// zero `cells_used` counters real files carry.
#[rustfmt::skip]
pub const APP_OPCODES: &[(&str, u64)] = &[
    ("ADD", 56), ("SUB", 56), ("XOR", 56), ("OR", 56), ("AND", 56), ("SLL", 77),
    ("SRL", 77), ("SRA", 77), ("SLT", 57), ("SLTU", 57), ("LOADW", 61), ("STOREW", 61),
    ("LOADBU", 61), ("LOADB", 53), ("STOREB", 61), ("LOADHU", 61), ("STOREH", 61),
    ("BEQ", 38), ("BNE", 38), ("BLT", 48), ("BGE", 48), ("BLTU", 48), ("BGEU", 48),
    ("JAL", 30), ("LUI", 30), ("JALR", 44), ("AUIPC", 32), ("MUL", 55), ("MULHU", 67),
    ("DIVU", 91), ("REMU", 91), ("HINT_STOREW", 52), ("PHANTOM", 0),
];

#[rustfmt::skip]
pub const AGG_OPCODES: &[(&str, u64)] = &[
    ("ADD", 36), ("SUB", 36), ("MUL", 36), ("DIV", 36), ("FE4ADD", 56), ("FE4SUB", 56),
    ("BBE4MUL", 56), ("BBE4DIV", 56), ("LOADW", 30), ("STOREW", 30), ("HINT_STOREW", 30),
    ("LOADW4", 42), ("STOREW4", 42), ("HINT_STOREW4", 42), ("BEQ", 32), ("BNE", 32),
    ("JAL", 26), ("RANGE_CHECK", 26), ("PERM_POS2", 563), ("COMP_POS2", 563),
    ("VERIFY_BATCH", 563), ("FRI_REDUCED_OPENING", 76), ("PUBLISH", 20), ("PHANTOM", 0),
];

#[rustfmt::skip]
const DSL_IR: &[&str] = &[
    "AddE", "AddEF", "AddF", "AddFI", "AddV", "AddVI", "SubE", "SubEF", "SubF", "SubV",
    "SubVI", "MulE", "MulEF", "MulF", "MulV", "MulVI", "DivE", "DivF", "DivEF", "NegE",
    "StoreV", "StoreF", "StoreE", "LoadV", "LoadF", "LoadE", "ImmV", "ImmF", "ImmE", "For",
    "ZipFor", "IfEq", "IfNe", "IfEqI", "IfNeI", "AssertEqF", "AssertEqV", "AssertEqE",
    "AssertNonZero", "Poseidon2PermuteBabyBear", "Poseidon2CompressBabyBear",
    "VerifyBatchFelt", "VerifyBatchExt", "FriReducedOpening", "HintBitsF", "HintInputVec",
    "HintFelt", "HintExt", "HintLoad", "StoreHintWord", "RangeCheckV", "CycleTrackerStart",
    "CycleTrackerEnd", "Publish", "Halt", "Break", "ExtToFelts", "FeltsToExt",
];

#[rustfmt::skip]
const APP_FRAMES: &[&str] = &[
    "openvm::entry", "fibonacci::main", "fibonacci::fib_iter", "fibonacci::fib_range",
    "fibonacci::checked_step", "fibonacci::main::{{closure}}", "openvm::process_hints",
    "core::num::<impl u64>::wrapping_add", "core::num::<impl u64>::checked_mul",
    "core::iter::traits::iterator::Iterator::fold", "core::fmt::write",
    "core::iter::range::<impl core::iter::traits::iterator::Iterator for core::ops::range::Range<u64>>::next",
    "core::slice::<impl [T]>::copy_from_slice", "alloc::vec::Vec<T,A>::push",
    "alloc::raw_vec::RawVec<T,A>::grow_one", "alloc::raw_vec::finish_grow",
    "<alloc::vec::Vec<T> as alloc::vec::spec_from_iter::SpecFromIter<T,I>>::from_iter",
    "openvm_platform::heap::embedded::alloc", "openvm_platform::memory::sys_alloc_aligned",
    "openvm::io::read_vec", "openvm::io::read_u32", "openvm::io::reveal_bytes32",
    "openvm_rv32im_guest::io::hint_input", "openvm_rv32im_guest::io::hint_store_u32",
    "compiler_builtins::mem::memcpy", "compiler_builtins::mem::memset",
    "compiler_builtins::mem::memmove", "main_loop", "loop_body", "load_input",
    "commit_output", "compute_checksum", "ruint::algorithms::mul::addmul",
    "openvm_bigint_guest::U256::wrapping_add", "openvm_sha2::sha256::compress256",
    "openvm_keccak256_guest::keccak256", "serde::de::Deserialize::deserialize",
    "bincode::de::Deserializer<R,O>::read_u64",
    "hashbrown::raw::RawTable<T,A>::reserve_rehash",
];

#[rustfmt::skip]
const AGG_FRAMES: &[&str] = &[
    "VerifierProgram", "stage-a-verifier-setup", "stage-b-verify-commitments",
    "stage-c-build-rounds", "stage-d-verify-pcs", "stage-d-1-verify-shape-and-sample-challenges",
    "stage-d-2-fri-fold", "stage-d-3-verify-challenges", "stage-e-verify-constraints",
    "verify-batch", "verify-batch-ext", "verify-batch-reduce-fast", "verify-query",
    "compute-reduced-opening", "fri-reduced-opening", "single-reduced-opening-eval",
    "poseidon2-permute", "poseidon2-hash-slice", "poseidon2-hash-ext", "cache-generator-powers",
    "pre-compute-rounds-context", "sample-ext", "observe-digest", "challenger-duplexing",
    "eval-constraints", "eval-permutation-constraints", "interpolate-quotient-chunks",
    "compute-zeta-powers", "verify-opening-proof", "iter-queries", "iter-rounds", "iter-airs",
    "exp-reverse-bits-len", "two-adic-generator", "felts-to-ext", "ext-to-felts",
    "assert-eq-digest", "hint-load-proof", "read-proof-from-input", "verify-proof-shape",
    "compute-alpha-pows", "openvm_native_recursion::fri::verify_two_adic_pcs",
    "openvm_native_recursion::stark::StarkVerifier<C>::verify_raps",
    "openvm_native_recursion::stark::StarkVerifier<C>::verify_single_rap_constraints",
    "openvm_native_recursion::fri::two_adic_pcs::compute_reduced_opening",
    "openvm_native_recursion::fri::verify_query", "openvm_native_recursion::fri::verify_batch",
    "openvm_native_recursion::challenger::duplex::DuplexChallengerVariable<C>::sample_ext",
    "openvm_native_recursion::challenger::duplex::DuplexChallengerVariable<C>::observe",
    "openvm_native_recursion::folder::RecursiveVerifierConstraintFolder<C>::eval",
    "openvm_native_recursion::hints::Hintable<C>::read",
    "openvm_native_recursion::digest::DigestVariable<C>::assert_eq",
    "openvm_native_recursion::utils::reduce_32",
    "openvm_native_compiler::ir::builder::Builder<C>::range",
    "openvm_native_compiler::ir::builder::Builder<C>::iter",
    "openvm_native_compiler::ir::poseidon::Builder<C>::poseidon2_permute_mut",
    "openvm_native_compiler::ir::poseidon::Builder<C>::poseidon2_hash_ext",
    "openvm_native_compiler::ir::utils::Builder<C>::exp_reverse_bits_len_fast",
    "openvm_continuations::verifier::leaf::LeafVmVerifierConfig::build_program",
    "openvm_continuations::verifier::internal::InternalVmVerifierConfig::build_program",
    "openvm_continuations::verifier::common::non_leaf::NonLeafVerifierVariables<C>::verify_internal_or_leaf_verifier_proofs",
    "openvm_continuations::verifier::common::assert_or_assign_connector_pvs",
    "openvm_continuations::verifier::common::assert_required_air_for_app_vm_present",
    "openvm_continuations::verifier::root::RootVmVerifierConfig::build_kernel_asm",
];

/// Label strings drawn from the vocabularies above, per VM where they differ.
/// Pools grow slowly with the file, so strings repeat a lot while the label
/// sets they form (which also carry a segment or idx) mostly do not.
pub struct Pools {
    pub app_spans: Vec<String>,
    pub agg_spans: Vec<String>,
    pub dsl_ir: Vec<&'static str>,
}

impl Pools {
    pub fn new(seed: u64, units: usize) -> Pools {
        let spans = 16 + (6.0 * (units as f64).sqrt()) as usize;
        let dsl = (10 + 2 * units.ilog2() as usize).min(DSL_IR.len());
        let mut rng = Rng::derive(seed, 0x706f_6f6c, 0);
        Pools {
            app_spans: call_stacks(&mut rng, APP_FRAMES, spans),
            agg_spans: call_stacks(&mut rng, AGG_FRAMES, spans),
            dsl_ir: DSL_IR[..dsl].to_vec(),
        }
    }
}

/// `n` `;`-joined call stacks 5–30 frames deep, rooted at `frames[0]`. Each
/// new stack extends a prefix of an earlier one, so stacks share ancestry
/// the way a real call tree does.
fn call_stacks(rng: &mut Rng, frames: &[&'static str], n: usize) -> Vec<String> {
    let mut stacks: Vec<Vec<usize>> = Vec::with_capacity(n);
    while stacks.len() < n {
        // The cube root skews towards deep stacks: verifiers nest deeply.
        let depth = 5 + (26.0 * rng.unit().cbrt()) as usize;
        let mut stack = match stacks.len() {
            0 => vec![0],
            len => {
                let parent = &stacks[rng.below(len)];
                parent[..1 + rng.below(parent.len().min(depth))].to_vec()
            }
        };
        // Callees sit near their callers in the vocabulary, which gives
        // stacks recurring caller/callee pairs rather than noise.
        while stack.len() < depth {
            let caller = stack[stack.len() - 1];
            stack.push(1 + (caller + rng.below(8)) % (frames.len() - 1));
        }
        stacks.push(stack);
    }
    let mut joined: Vec<String> = stacks
        .iter()
        .map(|stack| {
            stack
                .iter()
                .map(|&i| frames[i])
                .collect::<Vec<_>>()
                .join(";")
        })
        .collect();
    joined.sort_unstable();
    joined.dedup();
    joined
}
